import { describe, expect, it } from '@jest/globals';
import { JavaMissingError, checkJava, javaExecutable, parseJavaMajorVersion } from '../../../local/java';

describe('Java detection', () => {
  it('reads the major version of old and new version strings', () => {
    expect(parseJavaMajorVersion('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajorVersion('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajorVersion('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajorVersion('nonsense')).toBeUndefined();
  });

  it('uses JAVA_HOME when set', () => {
    expect(javaExecutable({ JAVA_HOME: '/opt/jdk' })).toBe('/opt/jdk/bin/java');
    expect(javaExecutable({})).toBe('java');
  });

  it('explains how to install a JRE when java is missing', async () => {
    const attempt = checkJava('/nonexistent/bin/java');
    await expect(attempt).rejects.toBeInstanceOf(JavaMissingError);
    await expect(attempt).rejects.toThrow(/apt-get install -y default-jre-headless/);
  });
});
