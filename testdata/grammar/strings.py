'single'; "double"; '''triple single'''; """triple double"""
'it''s' "concatenated" 'parts'
'quote " inside'; "quote ' inside"; 'both \' and "'
'escapes: \\ \' \" \a \b \f \n \r \t \v \0 \12 \123 \x41 \u00e9 \U0001F600 \N{EM DASH} \N{LATIN SMALL LETTER A}'
'line \
continuation'
r'raw \n \x \\'; R"raw"; rb'raw bytes \n'; Rb'x'; bR'x'; BR"x"; br'''x'''
u'unicode'; U"unicode"
b'bytes'; B"bytes"; b'\x00\xff\n\t\\'; b'''multi
line'''
'non-ascii: é ü ß ∑ 日本語 😀 \u200b \u00a0 \u2028 \x7f \x80 \xa0 \xad'
'\ud800 lone surrogate \udfff'
'\U0010ffff \U000e0001'
'''multi
line
string'''
"""tab	inside"""
''
""
b''
'\
'
'invalid escape \d \w'
b'invalid escape \d'
x = ('implicit'
     'concatenation'
     "across lines")
x = u'kind' 'no kind'
x = 'no kind' u'kind'
