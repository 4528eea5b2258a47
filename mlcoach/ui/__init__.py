"""Everything that draws on a terminal: rich and prompt_toolkit are imported only below this package."""
