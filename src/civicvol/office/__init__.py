"""The district office's paper and screen: spreadsheets, the HTML report, printed certificates."""
