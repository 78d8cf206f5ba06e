/** JMH benchmarks of netlab's codecs and of whole transfers over loopback. */
package io.netlab.bench;
