"""Small learned models that storylens runs at analysis time (no torch needed)."""
