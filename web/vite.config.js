import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// The dev server forwards /api and /healthz to a running `civicgrid serve`
// (default 127.0.0.1:8080; override with CIVICGRID_API=http://127.0.0.1:18090 npm run dev).
const apiTarget = process.env.CIVICGRID_API || 'http://127.0.0.1:8080'
const proxy = {
  '/api': { target: apiTarget, changeOrigin: false },
  '/healthz': { target: apiTarget, changeOrigin: false },
}

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    // Element Plus components (and their CSS) are imported on demand where templates use them.
    Components({ dirs: [], dts: false, resolvers: [ElementPlusResolver({ importStyle: 'css' })] }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // ECharts' core (zrender, the chart model) is about 490 kB minified even with only the line chart the
    // big screen uses; it is a lazy chunk of that screen alone. Anything else this large is a mistake.
    chunkSizeWarningLimit: 500,
  },
  server: { host: '127.0.0.1', proxy },
  preview: { host: '127.0.0.1', proxy },
})
