"""Plain data and offset arithmetic. No Qt, no I/O, no SQL."""
