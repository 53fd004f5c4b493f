"""The window: PySide6 only. It shows the store and wires user actions to it."""
