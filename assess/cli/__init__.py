"""The `assess` command: the launcher (window or command line), the commands and their text output."""
