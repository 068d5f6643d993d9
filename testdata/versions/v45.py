x = rf"{a}\\d{b!r}"
