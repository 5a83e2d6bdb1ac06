"""Who may export what (the Satu Data roles) and the one log of every export."""
