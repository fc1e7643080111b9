"""Data files shipped with tablesync (read with ``importlib.resources``).

- ``gbt4754_2017.csv``: the 20 sections (门类) and 97 divisions (大类) of GB/T 4754-2017
  国民经济行业分类, as amended by 第1号修改单 (2019; the amendment touches only 小类 and
  leaves every 门类/大类 code and name as published). Typed from the National Bureau of
  Statistics text and cross-checked name by name against an independent copy of the table.
- ``industry_synonyms.csv``: everyday words for industries (生产制造, 软件开发, 电商 ...)
  and the GB/T name each one stands for. Extend per deployment with
  ``quality.industry_aliases`` in the config rather than editing this file.
"""
