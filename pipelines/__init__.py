"""Scrapy item pipelines, one module per stage; their order lives in newsbot/settings.py."""
