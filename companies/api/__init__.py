"""REST API of the companies: the public directory, my companies, their products, tokens."""
