import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Level of the server's log file. */
export type ZooKeeperLogLevel = 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';

/**
 * The last `lines` lines of each of `files` that has any, under its name: what a start error
 * shows of a server that did not come up.
 * @internal
 */
export async function logTail(files: readonly string[], lines = 40): Promise<string> {
  const parts: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.trim() === '') continue;
    parts.push(`[${file}]`, ...text.trimEnd().split('\n').slice(-lines));
  }
  return parts.length > 0 ? parts.join('\n') : '(no log output)';
}

const PATTERN = '%d{ISO8601} %-5p [%t:%C{1}@%L] - %m%n';

/**
 * Writes `log4j.properties` (Debian's 3.8 and Apache <= 3.7 use log4j 1.2 / reload4j) and
 * `logback.xml` (Apache 3.8+) into `confDir`, both sending every line to `logFile` and nothing
 * to the console. Returns the JVM flags that select them explicitly, so a configuration
 * elsewhere on the classpath (e.g. /etc/zookeeper/conf, whose root logger writes to a
 * console appender) can never win.
 */
export async function writeLoggingConfig(
  confDir: string,
  logFile: string,
  level: ZooKeeperLogLevel,
): Promise<string[]> {
  const log4jFile = join(confDir, 'log4j.properties');
  const logbackFile = join(confDir, 'logback.xml');
  await writeFile(log4jFile, log4jProperties(logFile, level));
  await writeFile(logbackFile, logbackXml(logFile, level));
  return [
    `-Dlog4j.configuration=${pathToFileURL(log4jFile).href}`,
    `-Dlogback.configurationFile=${logbackFile}`,
    // ManagedUtil would register log4j MBeans; nothing in a test needs them.
    '-Dzookeeper.jmx.log4j.disable=true',
  ];
}

function log4jProperties(logFile: string, level: ZooKeeperLogLevel): string {
  return [
    '# Written by nestjs-zk-discovery/testing: everything to a file, nothing to the terminal.',
    `log4j.rootLogger=${level}, FILE`,
    'log4j.appender.FILE=org.apache.log4j.FileAppender',
    // java.util.Properties treats backslashes as escapes.
    `log4j.appender.FILE.File=${logFile.replaceAll('\\', '/')}`,
    'log4j.appender.FILE.Append=true',
    'log4j.appender.FILE.layout=org.apache.log4j.PatternLayout',
    `log4j.appender.FILE.layout.ConversionPattern=${PATTERN}`,
    '',
  ].join('\n');
}

function logbackXml(logFile: string, level: ZooKeeperLogLevel): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by nestjs-zk-discovery/testing: everything to a file, nothing to the terminal. -->
<configuration>
  <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${escapeXml(logFile)}</file>
    <append>true</append>
    <encoder><pattern>${escapeXml(PATTERN)}</pattern></encoder>
  </appender>
  <root level="${level}"><appender-ref ref="FILE"/></root>
</configuration>
`;
}

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
