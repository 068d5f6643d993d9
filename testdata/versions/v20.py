x = f"{x:\\n}"
