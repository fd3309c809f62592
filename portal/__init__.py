"""The composition root: the home page and the navigation, which know every app; no app imports it."""
