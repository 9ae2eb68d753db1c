"""Training-side code for the landed HS-code classifier (see README.md)."""
