import { acquireLabLock, releaseLabLock } from './labLock';

/**
 * Root hooks (outside any describe): the whole lab suite holds the machine's lab lock once, waiting
 * without a mocha timeout while another run finishes; each startLab then re-enters it for free.
 */
before(function () {
  this.timeout(0);
  return acquireLabLock();
});
after(() => releaseLabLock());
