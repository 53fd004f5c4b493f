# jusText (trafilatura's fallback extractor) loads its stop lists from justext/stoplists/.
from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("justext")
