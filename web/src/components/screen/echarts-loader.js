// ECharts (./echarts.js) loaded once, as a separate chunk, starting when this module is evaluated.
let promise = null
export function loadECharts() {
  promise ??= import('./echarts.js').catch((err) => {
    promise = null
    throw err
  })
  return promise
}
loadECharts()
