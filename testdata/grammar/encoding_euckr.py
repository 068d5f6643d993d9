# coding: euc-kr
x = "한국어"
