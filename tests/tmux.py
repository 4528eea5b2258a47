"""Drive the real program in a real terminal (tmux answers cursor-position requests like a terminal does)."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
import uuid


def flat(text: str) -> str:
    """Text with every run of whitespace (line breaks included) as one space."""
    return " ".join(text.split())


class Tmux:
    def __init__(self, command: list[str], env: dict[str, str], width: int = 100, height: int = 30) -> None:
        self.name = f"mlcoach-{uuid.uuid4().hex[:8]}"
        self.tmux = ["tmux", "-L", self.name]  # a server of its own: nothing else on the machine can kill it
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        shell = f"env {exports} {shlex.join(command)}; echo EXIT=$?; sleep 30"
        subprocess.run([*self.tmux, "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), shell],
                       check=True, env={**os.environ, "TMUX": ""})

    def screen(self, joined: bool = True) -> str:
        flags = ["-J"] if joined else []
        out = subprocess.run([*self.tmux, "capture-pane", "-p", *flags, "-S", "-200", "-t", self.name],
                             capture_output=True, text=True)
        return out.stdout

    def wait_for(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen or flat(text) in flat(screen):  # the interviewer's lines wrap between words
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} not on screen after {timeout}s:\n{self.screen()}")

    def type(self, text: str, enter: bool = True) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, "-l", text], check=True)
        if enter:
            time.sleep(0.05)
            subprocess.run([*self.tmux, "send-keys", "-t", self.name, "Enter"], check=True)

    def keys(self, *keys: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def pane_pid(self) -> int:
        out = subprocess.run([*self.tmux, "list-panes", "-t", self.name, "-F", "#{pane_pid}"], capture_output=True,
                             text=True, check=True)
        return int(out.stdout.split()[0])

    def kill(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)
