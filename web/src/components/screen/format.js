// Numbers on the big screen. The screen shows counts only (rates are written by percentText), which
// zh-CN and English both group by thousands with a comma: formatted here without Intl, whose first
// use loads locale data and costs the screen's start a noticeable moment (and the shared n() of
// i18n.js builds a new Intl.NumberFormat at every call).
import { formatCount } from './screenData.js'

// n(value, {useGrouping}) for the screen's templates.
export function useNumber() {
  const n = (value, options) => formatCount(value, { grouping: options?.useGrouping !== false })
  return { n }
}
