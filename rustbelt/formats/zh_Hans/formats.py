# Django's zh_Hans formats group no digits (THOUSAND_SEPARATOR = ""), so 1800000 stays unreadable. Unicode
# CLDR's Simplified Chinese number pattern is "#,##0.###": a comma every three digits, as Chinese
# statistics and browsers (Intl.NumberFormat("zh-CN")) write 1,800,000. Dates keep Django's "Y年n月j日".
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
