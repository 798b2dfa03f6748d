"""The writes of the duty system: rosters, 平安报, incidents and their tasks."""
