"""Linkage stage (group `linkage`): find each person across Regsosek, DTKS and P3KE with a saved Splink model."""
