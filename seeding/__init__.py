"""Demo and large-organisation data (`seed_demo`, `seed_scale`): above every app, so it may fill them all."""
