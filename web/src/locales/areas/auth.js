// Signing in and out, the home page, role names.
export default {
  'zh-CN': {
    auth: {
      title: '登录',
      subtitle: '网格化服务管理平台',
      username: '用户名',
      password: '密码',
      signIn: '登录',
      signingIn: '正在登录…',
      signOut: '退出',
      wrongPassword: '用户名或密码错误',
      locked: '尝试次数过多，账号已暂时锁定，请 {seconds} 秒后再试',
      required: '请输入用户名和密码',
      residentLink: '群众无需登录：我要反映问题 / 查询办理进度',
      expired: '登录已失效，请重新登录',
    },
    role: {
      resident: '群众',
      grid_worker: '网格员',
      operator: '坐席',
      unit_staff: '责任单位',
      leader: '领导',
      admin: '管理员',
      system: '系统',
    },
    home: {
      loading: '正在打开…',
    },
  },
  en: {
    auth: {
      title: 'Sign in',
      subtitle: 'Grid Service Management Platform',
      username: 'Username',
      password: 'Password',
      signIn: 'Sign in',
      signingIn: 'Signing in…',
      signOut: 'Sign out',
      wrongPassword: 'Wrong username or password',
      locked: 'Too many attempts: the account is locked for now; try again in {seconds} s',
      required: 'Enter your username and password',
      residentLink: 'Residents need no account: report a problem / track a case',
      expired: 'Your session has ended; please sign in again',
    },
    role: {
      resident: 'Resident',
      grid_worker: 'Grid worker',
      operator: 'Operator',
      unit_staff: 'Unit staff',
      leader: 'Leader',
      admin: 'Administrator',
      system: 'System',
    },
    home: {
      loading: 'Opening…',
    },
  },
}
