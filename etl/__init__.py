"""casualty-etl: casualty facts from news text."""
