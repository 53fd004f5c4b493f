# trafilatura reads settings.cfg (and data/) beside its modules; PyInstaller leaves data out.
from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("trafilatura")
