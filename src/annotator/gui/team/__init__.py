"""Team work on a hub, in the window: the team's progress (progress.py) and assigning."""
