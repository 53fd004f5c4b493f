"""The review side of the window: comparing annotators lane by lane, deciding into gold,
and the agreement figures."""
