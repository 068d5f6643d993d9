x = f"{a:{b}}" "\\n" f"{c # x
}"
