"""The districts of Guangzhou the site starts with: code, Chinese name, English name."""

GUANGZHOU_DISTRICTS = [
    ("yuexiu", "越秀区", "Yuexiu"),
    ("liwan", "荔湾区", "Liwan"),
    ("haizhu", "海珠区", "Haizhu"),
    ("tianhe", "天河区", "Tianhe"),
    ("baiyun", "白云区", "Baiyun"),
    ("huangpu", "黄埔区", "Huangpu"),
    ("panyu", "番禺区", "Panyu"),
    ("huadu", "花都区", "Huadu"),
    ("nansha", "南沙区", "Nansha"),
    ("conghua", "从化区", "Conghua"),
    ("zengcheng", "增城区", "Zengcheng"),
]
