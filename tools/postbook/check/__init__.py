"""`postbook check`: compare every edition's chapters with the posts, and run the validators."""
