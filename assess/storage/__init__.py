"""Where the record is kept: the database and its migrations, backups, exam drafts, files written whole."""
