"""The hall's writes: a ticket's verbs (tickets) and appointments (appointments)."""
