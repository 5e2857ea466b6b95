"""Customers and the places where work is done for them."""
