import { parseSimulatorArgs, simulatorBanner } from '#simulator/cli.js';
import { startSimulator } from '#simulator/index.js';

describe('Simulator CLI', () => {
  describe('parseSimulatorArgs', () => {
    it('reads --port, --seed and --time-scale in both spellings', () => {
      const options = parseSimulatorArgs(['--port', '8089', '--seed=7', '--time-scale', '0.5']);

      expect(options).toEqual({ port: 8089, seed: 7, timeScale: 0.5 });
    });

    it('rejects an unknown argument and a bad port with a clear message', () => {
      expect(() => parseSimulatorArgs(['--verbose'])).toThrow('unknown option --verbose');
      expect(() => parseSimulatorArgs(['--port', '99999'])).toThrow('--port must be a port number (0-65535) (got "99999")');
      expect(() => parseSimulatorArgs(['--port'])).toThrow('--port needs a value');
      expect(() => parseSimulatorArgs(['--time-scale', '0'])).toThrow('--time-scale must be a positive number such as 0.01 (got "0")');
    });
  });

  describe('simulatorBanner', () => {
    it('prints the base URL, the sandbox credentials and the accounts', async () => {
      const sim = await startSimulator();

      const banner = simulatorBanner(sim);
      await sim.close();

      expect(banner).toContain(`listening on ${sim.url}`);
      expect(banner).toContain('sandbox-key-id');
      expect(banner).toContain('prod (111122223333)');
    });
  });
});
