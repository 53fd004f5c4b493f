#!/usr/bin/env bash
# macOS disk image of dist/Annotator.app (release.yml's macOS jobs; GitHub's runners):
#   packaging/macos/dmg.sh NAME         -> dist/Annotator-VERSION-NAME.dmg
# Signed with the Developer ID in MACOS_CERTIFICATE (base64 .p12) and notarised when the
# secrets are set; otherwise unsigned, and the job says so (users then open it with
# right-click > Open the first time).
set -euo pipefail
name=${1:?usage: dmg.sh NAME}
cd "$(dirname "$0")/../.."
version=$(python -c "import annotator; print(annotator.__version__)")
app=dist/Annotator.app
dmg="dist/Annotator-$version-$name.dmg"
if [ -n "${MACOS_CERTIFICATE:-}" ]; then
  keychain="$RUNNER_TEMP/build.keychain"
  echo "$MACOS_CERTIFICATE" | base64 --decode > "$RUNNER_TEMP/cert.p12"
  security create-keychain -p build "$keychain"
  security set-keychain-settings "$keychain"
  security unlock-keychain -p build "$keychain"
  security import "$RUNNER_TEMP/cert.p12" -k "$keychain" -P "$MACOS_CERTIFICATE_PASSWORD" \
    -T /usr/bin/codesign
  security set-key-partition-list -S apple-tool:,apple: -s -k build "$keychain"
  security list-keychains -d user -s "$keychain"
  codesign --deep --force --options runtime --timestamp \
    --sign "$MACOS_SIGNING_IDENTITY" "$app"
  codesign --verify --strict --verbose=2 "$app"
  signed=1
else
  echo "::warning::no signing secrets: the .dmg holds an unsigned app"
  signed=0
fi
hdiutil create -volname "Annotator $version" -srcfolder "$app" -ov -format UDZO "$dmg"
if [ "$signed" = 1 ]; then
  codesign --sign "$MACOS_SIGNING_IDENTITY" --timestamp "$dmg"
  xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD" --wait
  xcrun stapler staple "$dmg"
fi
echo "$dmg"
