# tld (used by courlan, trafilatura's URL checks) reads its public-suffix list from tld/res/.
from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("tld", excludes=["**/tests/**"])
