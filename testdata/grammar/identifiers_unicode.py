café = 1
ｆｏｏ = 2
ℌ = 3
Ångström = Å = 4
