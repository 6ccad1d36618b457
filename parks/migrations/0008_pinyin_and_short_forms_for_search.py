"""Parks get their short forms in common use (哈高新, loaded from parks/content/aliases.csv) and, with
provinces, a pinyin key filled from their Chinese names: search compares pinyin with it and Chinese pages
sort by it. Existing rows are filled here (later saves fill it in the model), the same way as `pinyin_key`
in parks/models.py.
"""

import unicodedata

from django.db import migrations, models
from pypinyin import Style, lazy_pinyin


def pinyin_key(text):
    plain = unicodedata.normalize("NFKD", "".join(lazy_pinyin(text, style=Style.NORMAL)).lower())
    plain = plain.replace("u\u0308", "v").replace("ü", "v")
    return "".join(char for char in plain if char.isalnum())


def fill_pinyin(apps, schema_editor):
    Park = apps.get_model("parks", "Park")
    Province = apps.get_model("parks", "Province")
    for province in Province.objects.all():
        Province.objects.filter(pk=province.pk).update(pinyin=pinyin_key(province.name_zh or province.name_en))
    for park in Park.objects.all():
        key = " ".join(filter(None, [pinyin_key(park.name_zh or park.name_en), pinyin_key(park.city_zh)]))
        Park.objects.filter(pk=park.pk).update(pinyin=key)


class Migration(migrations.Migration):

    dependencies = [
        ('parks', '0007_park_name_order_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalpark',
            name='aliases',
            field=models.CharField(blank=True, editable=False, help_text='Short forms in common use (e.g. 哈高新), separated by semicolons; search finds the park by them.', max_length=255, verbose_name='short forms'),
        ),
        migrations.AddField(
            model_name='historicalpark',
            name='pinyin',
            field=models.CharField(blank=True, editable=False, help_text="The Chinese name's pinyin, then the city's and the short forms', without tones or spaces.", max_length=600, verbose_name='pinyin'),
        ),
        migrations.AddField(
            model_name='historicalprovince',
            name='pinyin',
            field=models.CharField(blank=True, editable=False, help_text="The Chinese name's pinyin, without tones or spaces.", max_length=300, verbose_name='pinyin'),
        ),
        migrations.AddField(
            model_name='park',
            name='aliases',
            field=models.CharField(blank=True, editable=False, help_text='Short forms in common use (e.g. 哈高新), separated by semicolons; search finds the park by them.', max_length=255, verbose_name='short forms'),
        ),
        migrations.AddField(
            model_name='park',
            name='pinyin',
            field=models.CharField(blank=True, editable=False, help_text="The Chinese name's pinyin, then the city's and the short forms', without tones or spaces.", max_length=600, verbose_name='pinyin'),
        ),
        migrations.AddField(
            model_name='province',
            name='pinyin',
            field=models.CharField(blank=True, editable=False, help_text="The Chinese name's pinyin, without tones or spaces.", max_length=300, verbose_name='pinyin'),
        ),
        migrations.RunPython(fill_pinyin, migrations.RunPython.noop),
    ]
