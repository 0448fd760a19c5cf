"""newsbot: a scheduled Turkish news-scraping pipeline built on Scrapy."""

__version__ = "0.1.0"
