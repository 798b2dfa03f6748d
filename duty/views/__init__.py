"""The duty pages: the office's board, a unit's phone page, rosters, rates and incidents."""
