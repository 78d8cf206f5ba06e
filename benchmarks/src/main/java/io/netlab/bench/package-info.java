/** JMH benchmarks of netlab's codecs and transfers. */
package io.netlab.bench;
