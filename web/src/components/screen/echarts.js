// The parts of ECharts the big screen uses, and nothing more (the trend's line chart; the other
// breakdowns are drawn in HTML). Loaded as a chunk of its own by echarts-loader.js.
import { init, use } from 'echarts/core'
import { LineChart } from 'echarts/charts'
import { GridComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

use([LineChart, GridComponent, TooltipComponent, CanvasRenderer])

export { init }
