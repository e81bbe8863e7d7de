// A browser on a shared desktop, for the tests of the command line: Debian's chromium opens a
// card's desktop link (the password after #), waits until the desktop page is connected and the
// screen is drawn (many colours, not a black frame), and prints "ROLE drawn". After 60 s without,
// it prints what the page said and exits 1.
//   node tests/web-desktop.mjs LINK
// Node needs tsx for the TypeScript library (the project's one way of launching chromium).
const { register } = await import('tsx/esm/api')
register()
const { launchChromium } = await import('../tools/core/chromium.ts')

const [link] = process.argv.slice(2)
const browser = await launchChromium()
let code = 1
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } })
  await page.goto(link)
  try {
    await page.waitForFunction(
      () => {
        if (window.__desktop?.status !== 'connected') return false
        const canvas = document.querySelector('#screen canvas')
        if (!canvas?.width) return false
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
        const colours = new Set()
        for (let i = 0; i < data.length; i += 4 * 97) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2])
        return colours.size > 50
      },
      undefined,
      { timeout: 60_000, polling: 200 },
    )
    console.log(`${await page.evaluate(() => window.__desktop.role)} drawn`)
    code = 0
  } catch {
    console.log(`not drawn: ${JSON.stringify(await page.evaluate(() => window.__desktop ?? null))}`)
  }
} finally {
  await browser.close()
}
process.exit(code)
