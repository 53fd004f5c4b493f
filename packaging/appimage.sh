#!/usr/bin/env bash
# AppImage of the frozen app (release.yml's Linux job; GitHub's runner, not this machine):
#   packaging/appimage.sh VERSION      -> dist/Annotator-VERSION-x86_64.AppImage
# The AppDir holds dist/annotator as it is; AppRun starts it. appimagetool is fetched from
# its project's releases at a pinned version (the runners reach GitHub).
set -euo pipefail
version=${1:?usage: appimage.sh VERSION}
cd "$(dirname "$0")/.."
appdir=build/Annotator.AppDir
rm -rf "$appdir"
mkdir -p "$appdir/usr/share/metainfo" "$appdir/usr/share/icons/hicolor/256x256/apps"
cp -a dist/annotator "$appdir/usr/annotator"
cp resources/annotator.desktop "$appdir/annotator.desktop"
cp resources/icons/annotator-256.png "$appdir/annotator.png"
cp resources/icons/annotator-256.png "$appdir/usr/share/icons/hicolor/256x256/apps/annotator.png"
cp resources/org.annotator.Annotator.metainfo.xml "$appdir/usr/share/metainfo/"
cat > "$appdir/AppRun" <<'RUN'
#!/bin/sh
here=$(dirname "$(readlink -f "$0")")
exec "$here/usr/annotator/annotator" "$@"
RUN
chmod 755 "$appdir/AppRun"
tool=build/appimagetool-x86_64.AppImage
if [ ! -x "$tool" ]; then
  curl -fsSL -o "$tool" \
    https://github.com/AppImage/appimagetool/releases/download/1.9.0/appimagetool-x86_64.AppImage
  chmod 755 "$tool"
fi
# The runner has no FUSE: the tool unpacks itself and runs.
APPIMAGE_EXTRACT_AND_RUN=1 ARCH=x86_64 "$tool" --no-appstream "$appdir" \
  "dist/Annotator-$version-x86_64.AppImage"
# The AppImage runs the same smoke command as the folder it was made from.
APPIMAGE_EXTRACT_AND_RUN=1 "dist/Annotator-$version-x86_64.AppImage" --version
