"""Companies: users, firms, members, products, verification, the public directory."""
