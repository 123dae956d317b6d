"""The inputs of Styrsignaler, one module per screen family."""
