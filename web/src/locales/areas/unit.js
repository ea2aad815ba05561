// Messages of the unit workbench: {'zh-CN': {...}, en: {...}} with the same keys in both. The case
// components it uses take theirs from workbench.js (caseView.*) and cases.js.
export default {
  'zh-CN': {
    unitBench: {
      title: '责任单位工作台',
      queue: {
        to_acknowledge: '待签收',
        in_hand: '办理中',
        due_soon: '即将到期',
        overdue: '已超时',
        resolved: '已办结待核查',
      },
    },
  },
  en: {
    unitBench: {
      title: 'Unit workbench',
      queue: {
        to_acknowledge: 'To acknowledge',
        in_hand: 'In hand',
        due_soon: 'Due soon',
        overdue: 'Overdue',
        resolved: 'To be verified',
      },
    },
  },
}
