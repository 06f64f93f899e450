// The UI's strings, one table per language (English is the fallback for a missing key), and the
// chosen language, kept in localStorage. `{name}` in a string is replaced by a value.

const en = {
  language: 'Language', loading: 'Loading…', signIn: 'Sign in', signOut: 'Sign out',
  tokenLabel: 'Admin token', tokenHelp: 'The token warden serve printed on its first start (warden serve --reset-token makes a new one).', badToken: 'That token is not valid.',
  plugins: 'Plugins', install: 'Install', audit: 'Audit log', doctor: 'Doctor',
  noPlugins: 'No plugins installed.', name: 'Name', version: 'Version', status: 'Status', risk: 'Risk', tools: 'Tools', enabled: 'Enabled', disabled: 'Disabled',
  serving: 'serving', status_installed: 'stopped', status_failed: 'failed', 'status_pending-consent': 'waiting for consent',
  risk_low: 'low', risk_medium: 'medium', risk_high: 'high',
  enable: 'Enable', disable: 'Disable', remove: 'Remove', confirmRemove: 'Remove {id} and its data?',
  pendingUpgrade: 'Version {version} waits for consent to: {requests}. Enable it to accept.',
  description: 'Description', tryIt: 'Try it', noTools: 'This plugin has no tools.', run: 'Run', running: 'Running…', output: 'Output',
  toolInputHelp: 'Input: JSON, or plain text', invalidJson: '{name}: not valid JSON',
  capabilities: 'Capabilities', requested: 'Requested', state: 'State', granted: 'granted', notGranted: 'not granted', grant: 'Grant', revoke: 'Revoke',
  noCapabilities: 'No capabilities requested.', grantedNotRequested: 'Granted but not requested:',
  config: 'Configuration', noConfig: 'No configuration declared.', key: 'Key', type: 'Type', value: 'Value', save: 'Save',
  expectedType: 'expected a {type}', nothingChanged: 'Nothing changed.',
  security: 'Security', signature: 'Signature', hashes: 'Module hashes (sha256)', findings: 'Scan findings', installedAt: 'Installed', none: 'none',
  recentDenials: 'Recent denials and errors', lastError: 'Last error:', noDenials: 'No denials recorded.', fullAudit: 'Full audit log of this plugin',
  time: 'Time', plugin: 'Plugin', capability: 'Capability', detail: 'Detail', decision: 'Decision', reason: 'Reason', allow: 'allow', deny: 'deny', any: 'any',
  filter: 'Filter', newer: 'Newer', older: 'Older', noRecords: 'No matching records.', auditCount: '{from}–{to} of {total}',
  choosePackage: 'Plugin package (.wasm, .zip, .tgz, .tar)', packageUrl: 'or an https:// URL (when the config allows remote installs)', inspect: 'Inspect', installHelp: 'The package is checked first; you choose what it may do before anything is granted.',
  consentTitle: 'Install {id} {version}?', overallRisk: 'Overall risk:', refused: 'This package would be refused (see the findings).',
  requestedCapabilities: 'It asks for', nothingGranted: 'Nothing is granted unless ticked. You can grant or revoke later.',
  enableAfterInstall: 'Enable after install', remoteLandsDisabled: 'A plugin from the network is installed disabled: enable it from its page once you have checked it.', installWithGrants: 'Install with the ticked grants', cancel: 'Cancel',
  pass: 'pass', warn: 'warn', fail: 'fail', doctorTotals: '{loaded} loaded, {failed} failed, {disabled} disabled',
  kind_network: 'network', kind_storage: 'storage', kind_vault: 'secrets', kind_tool: 'calls tools', kind_memory: 'memory', kind_channel: 'channel', kind_context: 'call context', kind_config: 'config', kind_wasi: 'WASI', kind_filesystem: 'filesystem', kind_cli: 'commands',
  pageChanged: 'This page changed on the server. Refresh to see the changes; unsaved input will be lost.', refresh: 'Refresh',
  liveOn: 'live', liveOnHelp: 'The page updates live from the server.', liveOff: 'reconnecting…', liveOffHelp: 'The connection to the server was lost; the page is not updated until it is back.', newDenials: '{n} new denials',
};

const zh = {
  language: '语言', loading: '加载中…', signIn: '登录', signOut: '退出',
  tokenLabel: '管理员令牌', tokenHelp: 'warden serve 首次启动时打印的令牌（warden serve --reset-token 可生成新令牌）。', badToken: '令牌无效。',
  plugins: '插件', install: '安装', audit: '审计日志', doctor: '诊断',
  noPlugins: '尚未安装插件。', name: '名称', version: '版本', status: '状态', risk: '风险', tools: '工具', enabled: '已启用', disabled: '已停用',
  serving: '运行中', status_installed: '已停止', status_failed: '失败', 'status_pending-consent': '等待授权',
  risk_low: '低', risk_medium: '中', risk_high: '高',
  enable: '启用', disable: '停用', remove: '删除', confirmRemove: '删除 {id} 及其数据？',
  pendingUpgrade: '版本 {version} 正在等待授权：{requests}。启用即表示同意。',
  description: '描述', tryIt: '试用', noTools: '该插件没有工具。', run: '运行', running: '运行中…', output: '输出',
  toolInputHelp: '输入：JSON 或纯文本', invalidJson: '{name}：不是有效的 JSON',
  capabilities: '权限', requested: '请求的权限', state: '状态', granted: '已授予', notGranted: '未授予', grant: '授予', revoke: '撤销',
  noCapabilities: '未请求任何权限。', grantedNotRequested: '已授予但未请求：',
  config: '配置', noConfig: '未声明配置项。', key: '键', type: '类型', value: '值', save: '保存',
  expectedType: '应为 {type}', nothingChanged: '没有更改。',
  security: '安全', signature: '签名', hashes: '模块哈希 (sha256)', findings: '扫描结果', installedAt: '安装时间', none: '无',
  recentDenials: '最近的拒绝与错误', lastError: '最近错误：', noDenials: '没有拒绝记录。', fullAudit: '该插件的完整审计日志',
  time: '时间', plugin: '插件', capability: '权限', detail: '详情', decision: '决定', reason: '原因', allow: '允许', deny: '拒绝', any: '全部',
  filter: '筛选', newer: '较新', older: '较旧', noRecords: '没有匹配的记录。', auditCount: '第 {from}–{to} 条，共 {total} 条',
  choosePackage: '插件包（.wasm、.zip、.tgz、.tar）', packageUrl: '或 https:// 网址（配置允许远程安装时）', inspect: '检查', installHelp: '先检查插件包；在授予任何权限之前由你决定它能做什么。',
  consentTitle: '安装 {id} {version}？', overallRisk: '总体风险：', refused: '该插件包将被拒绝（见扫描结果）。',
  requestedCapabilities: '它请求', nothingGranted: '未勾选的权限不会被授予。之后可以再授予或撤销。',
  enableAfterInstall: '安装后启用', remoteLandsDisabled: '来自网络的插件安装后处于禁用状态：检查后请在其页面中启用。', installWithGrants: '按勾选的权限安装', cancel: '取消',
  pass: '通过', warn: '警告', fail: '失败', doctorTotals: '已加载 {loaded}，失败 {failed}，已停用 {disabled}',
  kind_network: '网络', kind_storage: '存储', kind_vault: '密钥', kind_tool: '调用工具', kind_memory: '记忆', kind_channel: '频道', kind_context: '调用上下文', kind_config: '配置', kind_wasi: 'WASI', kind_filesystem: '文件系统', kind_cli: '命令',
  pageChanged: '此页面在服务器上已更改。刷新即可查看；未保存的输入将丢失。', refresh: '刷新',
  liveOn: '实时', liveOnHelp: '页面随服务器实时更新。', liveOff: '正在重新连接…', liveOffHelp: '与服务器的连接已断开；恢复连接前页面不会更新。', newDenials: '{n} 条新的拒绝记录',
};

const tr = {
  language: 'Dil', loading: 'Yükleniyor…', signIn: 'Giriş yap', signOut: 'Çıkış yap',
  tokenLabel: 'Yönetici belirteci', tokenHelp: 'warden serve ilk başlatıldığında yazdırılan belirteç (yenisi için warden serve --reset-token).', badToken: 'Bu belirteç geçerli değil.',
  plugins: 'Eklentiler', install: 'Yükle', audit: 'Denetim kaydı', doctor: 'Tanılama',
  noPlugins: 'Yüklü eklenti yok.', name: 'Ad', version: 'Sürüm', status: 'Durum', risk: 'Risk', tools: 'Araçlar', enabled: 'Etkin', disabled: 'Devre dışı',
  serving: 'çalışıyor', status_installed: 'durduruldu', status_failed: 'başarısız', 'status_pending-consent': 'onay bekliyor',
  risk_low: 'düşük', risk_medium: 'orta', risk_high: 'yüksek',
  enable: 'Etkinleştir', disable: 'Devre dışı bırak', remove: 'Kaldır', confirmRemove: '{id} ve verileri kaldırılsın mı?',
  pendingUpgrade: '{version} sürümü şu izinler için onay bekliyor: {requests}. Kabul etmek için etkinleştirin.',
  description: 'Açıklama', tryIt: 'Dene', noTools: 'Bu eklentinin aracı yok.', run: 'Çalıştır', running: 'Çalışıyor…', output: 'Çıktı',
  toolInputHelp: 'Girdi: JSON veya düz metin', invalidJson: '{name}: geçerli JSON değil',
  capabilities: 'Yetenekler', requested: 'İstenen', state: 'Durum', granted: 'verildi', notGranted: 'verilmedi', grant: 'Ver', revoke: 'Geri al',
  noCapabilities: 'Hiçbir yetenek istenmedi.', grantedNotRequested: 'Verilmiş ama istenmemiş:',
  config: 'Yapılandırma', noConfig: 'Yapılandırma tanımlanmamış.', key: 'Anahtar', type: 'Tür', value: 'Değer', save: 'Kaydet',
  expectedType: 'beklenen tür: {type}', nothingChanged: 'Değişiklik yok.',
  security: 'Güvenlik', signature: 'İmza', hashes: 'Modül özetleri (sha256)', findings: 'Tarama bulguları', installedAt: 'Yüklenme', none: 'yok',
  recentDenials: 'Son retler ve hatalar', lastError: 'Son hata:', noDenials: 'Kayıtlı ret yok.', fullAudit: 'Bu eklentinin tüm denetim kaydı',
  time: 'Zaman', plugin: 'Eklenti', capability: 'Yetenek', detail: 'Ayrıntı', decision: 'Karar', reason: 'Neden', allow: 'izin', deny: 'ret', any: 'hepsi',
  filter: 'Süz', newer: 'Daha yeni', older: 'Daha eski', noRecords: 'Eşleşen kayıt yok.', auditCount: '{from}–{to} / {total}',
  choosePackage: 'Eklenti paketi (.wasm, .zip, .tgz, .tar)', packageUrl: 'ya da bir https:// adresi (yapılandırma uzaktan kuruluma izin veriyorsa)', inspect: 'İncele', installHelp: 'Paket önce incelenir; hiçbir şey verilmeden önce neye izin vereceğinizi seçersiniz.',
  consentTitle: '{id} {version} yüklensin mi?', overallRisk: 'Genel risk:', refused: 'Bu paket reddedilir (bulgulara bakın).',
  requestedCapabilities: 'İstedikleri', nothingGranted: 'İşaretlenmeyen hiçbir şey verilmez. Sonradan verebilir veya geri alabilirsiniz.',
  enableAfterInstall: 'Yükledikten sonra etkinleştir', remoteLandsDisabled: 'Ağdan gelen bir eklenti devre dışı yüklenir: kontrol ettikten sonra sayfasından etkinleştirin.', installWithGrants: 'İşaretli izinlerle yükle', cancel: 'İptal',
  pass: 'geçti', warn: 'uyarı', fail: 'başarısız', doctorTotals: '{loaded} yüklü, {failed} başarısız, {disabled} devre dışı',
  kind_network: 'ağ', kind_storage: 'depolama', kind_vault: 'gizli bilgiler', kind_tool: 'araç çağırır', kind_memory: 'bellek', kind_channel: 'kanal', kind_context: 'çağrı bağlamı', kind_config: 'yapılandırma', kind_wasi: 'WASI', kind_filesystem: 'dosya sistemi', kind_cli: 'komutlar',
  pageChanged: 'Bu sayfa sunucuda değişti. Değişiklikleri görmek için yenileyin; kaydedilmemiş girdiler kaybolur.', refresh: 'Yenile',
  liveOn: 'canlı', liveOnHelp: 'Sayfa sunucudan canlı olarak güncelleniyor.', liveOff: 'yeniden bağlanıyor…', liveOffHelp: 'Sunucuyla bağlantı kesildi; bağlantı geri gelene kadar sayfa güncellenmez.', newDenials: '{n} yeni ret',
};

/** The string tables, by language code. */
export const STRINGS = { en, zh, tr };
/** The switcher's choices: code and the language's own name. */
export const LANGUAGES = [['en', 'English'], ['zh', '中文'], ['tr', 'Türkçe']];

const KEY = 'warden.lang';

function initial() {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved && Object.hasOwn(STRINGS, saved)) return saved;
  } catch { /* storage blocked */ }
  const nav = (navigator.language ?? 'en').slice(0, 2).toLowerCase();
  return Object.hasOwn(STRINGS, nav) ? nav : 'en';
}

let lang = initial();

export const getLang = () => lang;

/** Switches the language and keeps the choice. */
export function setLang(code) {
  if (!Object.hasOwn(STRINGS, code)) return;
  lang = code;
  try {
    localStorage.setItem(KEY, code);
  } catch { /* storage blocked */ }
}

/** The string for `key` in the current language (else English, else `fallback`, else the key), with `{name}`s filled. */
export function t(key, vars = {}, fallback = key) {
  const table = STRINGS[lang];
  const s = Object.hasOwn(table, key) ? table[key] : Object.hasOwn(en, key) ? en[key] : fallback;
  return s.replace(/\{(\w+)\}/g, (m, name) => (Object.hasOwn(vars, name) ? String(vars[name]) : m));
}
