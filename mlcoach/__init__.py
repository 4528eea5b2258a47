"""mlcoach: a terminal coach for machine-learning engineering interviews."""

__version__ = "0.1.0"
